//! Plausible Chinese names for places, employers and contact persons. Place
//! names are built from an index, not drawn at random, so that every county,
//! street and community name is unique where the extract needs it to be.

use super::rng::Rng;

/// Two-character words that city communities and streets are commonly named after.
const PLACE_WORDS: &[&str] = &[
    "建设", "光明", "和平", "胜利", "幸福", "团结", "东风", "育才", "文化", "朝阳", "青年", "曙光",
    "锦绣", "翠园", "金华", "银河", "湖滨", "滨河", "公园", "体育", "园林", "开源", "昆仑", "凌云",
    "石桥", "五一", "新城", "南苑", "北苑", "东苑", "西苑", "花园", "桂园", "梅园", "松林", "柳营",
    "长青", "兴华", "联盟", "永安", "安居", "康乐", "春晖", "福田", "站前", "高阳", "中兴", "鹰城",
    "民主", "振兴", "矿工", "焦化", "纺织", "电厂", "铁路", "光华", "红旗", "解放", "人民", "复兴",
];

/// Distinguishers appended when the words run out (东/西/… as real communities
/// split into 东社区 and 西社区).
const PLACE_SUFFIXES: &[&str] = &[
    "", "东", "西", "南", "北", "中", "一", "二", "三", "新", "里", "苑",
];

/// Characters that synthetic county names are made of.
const COUNTY_CHARS: &[&str] = &[
    "安", "宁", "平", "丰", "阳", "城", "山", "河", "川", "泉", "溪", "林", "峰", "源", "清", "明",
    "德", "兴", "华", "昌", "隆", "盛", "永", "嘉", "和", "顺", "康", "福", "寿", "乐", "东", "西",
    "南", "北", "中", "金", "玉", "龙", "凤", "桐",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];

const GIVEN: &[&str] = &[
    "丽", "敏", "静", "伟", "芳", "娜", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玲", "红", "建", "国", "志", "俊",
];

const TRADES: &[&str] = &[
    "商贸",
    "建材",
    "物流",
    "餐饮",
    "机械",
    "电子",
    "物业服务",
    "家政服务",
    "建筑工程",
    "食品",
    "纺织",
    "超市",
    "汽车维修",
    "医药",
    "印刷",
    "保安服务",
    "环保科技",
    "农业发展",
    "装饰工程",
    "电气",
];

const SHOPS: &[&str] = &[
    "便利店",
    "小吃店",
    "理发店",
    "五金店",
    "水果店",
    "服装店",
    "维修部",
    "早餐店",
];

/// A name made unique by its index: words first, then the suffixes, then a
/// number for very large places.
fn indexed(index: usize, words: &[&str], suffixes: &[&str]) -> String {
    let w = words[index % words.len()];
    let round = index / words.len();
    if round < suffixes.len() {
        format!("{w}{}", suffixes[round])
    } else {
        format!("{w}{}", round + 1)
    }
}

/// The `index`-th community name of a street or county.
pub fn community(index: usize) -> String {
    format!("{}社区", indexed(index, PLACE_WORDS, PLACE_SUFFIXES))
}

/// The `index`-th street office of a county; rural counties have towns (镇).
pub fn street(index: usize, rural: bool) -> String {
    // A fixed offset keeps a street from carrying the same word as most of its
    // communities.
    let base = indexed(index + 17, PLACE_WORDS, PLACE_SUFFIXES);
    if rural {
        format!("{base}镇")
    } else {
        format!("{base}路街道")
    }
}

/// The `index`-th synthetic county name (after the real districts run out).
pub fn county(index: usize) -> String {
    let n = COUNTY_CHARS.len();
    let a = COUNTY_CHARS[index % n];
    let b = COUNTY_CHARS[(index / n + index % n + 1) % n];
    let kind = if index.is_multiple_of(3) {
        "县"
    } else {
        "区"
    };
    let round = index / (n * n);
    if round == 0 {
        format!("{a}{b}{kind}")
    } else {
        format!("{a}{b}{}{kind}", round + 1)
    }
}

pub fn person(rng: &mut Rng) -> String {
    let s = rng.pick(SURNAMES);
    if rng.chance(0.6) {
        format!("{s}{}{}", rng.pick(GIVEN), rng.pick(GIVEN))
    } else {
        format!("{s}{}", rng.pick(GIVEN))
    }
}

/// An employer of a county: its short county name, a trade and a legal form.
pub fn employer(county: &str, index: usize) -> String {
    let stem = county.trim_end_matches(['区', '县', '市']);
    let word = PLACE_WORDS[(index * 7 + 3) % PLACE_WORDS.len()];
    let trade = TRADES[index % TRADES.len()];
    let form = if index.is_multiple_of(4) {
        "股份有限公司"
    } else {
        "有限公司"
    };
    format!("{stem}{word}{trade}{form}")
}

/// A self-employed person's business (个体工商户).
pub fn shop(rng: &mut Rng) -> String {
    format!("{}记{}", rng.pick(SURNAMES), rng.pick(SHOPS))
}

/// The labour-dispatch company that a shell-employer pattern invents.
pub fn shell_employer(county: &str) -> String {
    let stem = county.trim_end_matches(['区', '县', '市']);
    format!("{stem}鑫隆人力资源服务有限公司")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn indexed_names_are_unique() {
        let c: BTreeSet<String> = (0..2000).map(community).collect();
        assert_eq!(c.len(), 2000);
        let k: BTreeSet<String> = (0..5000).map(county).collect();
        assert_eq!(k.len(), 5000);
        let s: BTreeSet<String> = (0..500).map(|i| street(i, false)).collect();
        assert_eq!(s.len(), 500);
    }
}
